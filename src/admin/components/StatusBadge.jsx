// A coloured badge for a value from a fixed list (an order's status, an
// account's role). The colours and words come from the property's
// custom.badges ({ value: { label, colour } }, see resources/badges.ts), so
// the list of values lives in the models, not here.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

/** The badge alone (list cells, other components). */
export const Badge = ({ value, badges }) => {
  const badge = badges?.[value] ?? { label: value, colour: '#6B7280' };
  return (
    <span
      data-testid="status-badge"
      data-status={value}
      style={{
        display: 'inline-block',
        whiteSpace: 'nowrap',
        padding: '2px 10px',
        borderRadius: '999px',
        fontSize: '12px',
        fontWeight: 600,
        lineHeight: '18px',
        color: '#fff',
        backgroundColor: badge.colour,
      }}
    >
      {badge.label}
    </span>
  );
};

const StatusBadge = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const value = record?.params?.[property.path];
  if (value === undefined || value === null || value === '') return null;
  const badge = <Badge value={value} badges={property.custom?.badges} />;
  if (where !== 'show') return badge;
  return <ValueGroup label={translateProperty(property.label, property.resourceId)}>{badge}</ValueGroup>;
};

export default StatusBadge;
