// A from/to filter for a number (a product's price or stock, an order's
// total) in the list's filter sidebar. It sets `<path>~~from` and
// `<path>~~to`, the same shape AdminJS's own date filter uses, which
// list-query.ts turns into `>= from AND <= to`; either bound may be empty.
import React from 'react';
import { Box, FormGroup, Input, Label } from '@adminjs/design-system';
import { PropertyLabel, useTranslation } from 'adminjs';

const SEPARATOR = '~~';

const RangeFilter = ({ property, filter, onChange }) => {
  const { translateProperty } = useTranslation();
  const bound = (side) => {
    const key = `${property.path}${SEPARATOR}${side}`;
    return (
      <Box flexGrow={1} flexBasis="50%">
        <Label htmlFor={`filter-${key}`}>{translateProperty(side, property.resourceId)}</Label>
        <Input
          id={`filter-${key}`}
          name={`filter-${key}`}
          data-testid={`range-${property.path}-${side}`}
          type="number"
          inputMode="decimal"
          step={property.custom?.step ?? 'any'}
          min={property.custom?.min}
          width="100%"
          value={filter[key] ?? ''}
          onChange={(event) => onChange(key, event.target.value)}
        />
      </Box>
    );
  };
  return (
    <FormGroup variant="filter">
      <PropertyLabel property={property} filter />
      <Box flex flexDirection="row" style={{ gap: '8px' }}>
        {bound('from')}
        {bound('to')}
      </Box>
    </FormGroup>
  );
};

export default RangeFilter;
