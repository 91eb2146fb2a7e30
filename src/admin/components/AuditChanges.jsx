// An audit entry's changed fields: field | before | after, money in the
// shop's currency (property.custom.currency), secrets only ever as
// "set" / "changed". The rows come in the record's params as
// changes_rows.<n>.{label, before, after, money} (see resources/admin-logs.ts).
import React from 'react';
import { Box, Table, TableBody, TableCell, TableHead, TableRow, Text, ValueGroup } from '@adminjs/design-system';
import { flat, useTranslation } from 'adminjs';
import { formatMoney } from './Money.jsx';

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

const shown = (value, money, currency) => (money && value !== '—' ? formatMoney(value, currency) : value);

const AuditChanges = ({ record, property }) => {
  const { translateProperty } = useTranslation();
  const rows = flat.unflatten(record.params).changes_rows || [];
  const currency = property.custom?.currency;
  return (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>
      <Box data-testid="audit-changes">
        {rows.length === 0 ? (
          <Text>No fields changed.</Text>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>Field</TableCell>
                <TableCell>Before</TableCell>
                <TableCell>After</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.field} data-testid={`audit-change-${row.field}`}>
                  <TableCell>{capitalised(row.label)}</TableCell>
                  <TableCell style={{ whiteSpace: row.money ? 'nowrap' : 'normal' }}>
                    {shown(row.before, row.money, currency)}
                  </TableCell>
                  <TableCell style={{ whiteSpace: row.money ? 'nowrap' : 'normal' }}>
                    {shown(row.after, row.money, currency)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </ValueGroup>
  );
};

export default AuditChanges;
