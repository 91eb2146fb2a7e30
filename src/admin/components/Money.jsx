// An amount of money in the shop's currency (the property's custom.currency,
// from CURRENCY), formatted for the browser's locale and never wrapped: a
// "13.50" column must not break into "13.5 / 0" on a narrow screen.
import React from 'react';
import { Text, ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

/** The formatted amount, or the raw value when it is not a number. */
export const formatMoney = (value, currency) => {
  if (value === undefined || value === null || value === '') return '';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD' }).format(number);
  } catch {
    return `${number.toFixed(2)} ${currency || ''}`.trim();
  }
};

const Money = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const value = record?.params?.[property.path];
  const amount = (
    <Text as="span" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="money">
      {formatMoney(value, property.custom?.currency)}
    </Text>
  );
  // A record's page labels each value (a list labels the column instead).
  if (where !== 'show') return amount;
  return <ValueGroup label={translateProperty(property.label, property.resourceId)}>{amount}</ValueGroup>;
};

export default Money;
