// A review's rating as five stars, with the number for screen readers
// ("4 of 5") and as a tooltip.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

const OUT_OF = 5;

const Stars = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const rating = Math.round(Number(record?.params?.[property.path]));
  if (!Number.isFinite(rating)) return null;
  const label = `${rating} of ${OUT_OF}`;
  const stars = (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-testid="stars"
      style={{ whiteSpace: 'nowrap', color: '#F59E0B', letterSpacing: '1px' }}
    >
      {'★'.repeat(rating)}
      <span style={{ color: '#D1D5DB' }}>{'★'.repeat(Math.max(0, OUT_OF - rating))}</span>
    </span>
  );
  if (where !== 'show') return stars;
  return <ValueGroup label={translateProperty(property.label, property.resourceId)}>{stars}</ValueGroup>;
};

export default Stars;
