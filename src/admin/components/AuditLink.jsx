// A word from the audit log's params with, when there is one, a link: the
// property's custom.label names the param holding the text, custom.href the
// one holding the panel page (see resources/admin-logs.ts). An entry's
// admin ("System" has no page), its target (a deleted one has none), its
// action, its reason ("—" on the page when there is none). On the page,
// custom.detail names a param shown beside it (the admin's e-mail).
import React from 'react';
import { Link, Text, ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

const AuditLink = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const params = record?.params ?? {};
  const text = params[property.custom?.label] ?? params[property.path] ?? '';
  const href = property.custom?.href ? params[property.custom.href] : null;
  const value = href ? (
    <Link href={href} data-testid={`audit-${property.path}-link`}>
      {text}
    </Link>
  ) : (
    <Text as="span" data-testid={`audit-${property.path}`}>
      {text}
    </Text>
  );
  if (where !== 'show') return value;
  const detail = property.custom?.detail ? params[property.custom.detail] : null;
  return (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>
      {text === '' ? '—' : value}
      {detail ? (
        <Text as="span" color="grey60" ml="default">
          {detail}
        </Text>
      ) : null}
    </ValueGroup>
  );
};

export default AuditLink;
