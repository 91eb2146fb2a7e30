// Shows an order's lines (snapshotted name, unit price, quantity, line
// total) on the order's page, amounts in the shop's currency (the property's
// custom.currency). The lines come in the record's params (see resources/orders.ts).
import React from 'react';
import { Box, Label, Table, TableBody, TableCell, TableHead, TableRow } from '@adminjs/design-system';
import { flat } from 'adminjs';
import { formatMoney } from './Money.jsx';

const amount = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums', textAlign: 'right' };

const OrderItems = ({ record, property }) => {
  const items = flat.unflatten(record.params).items || [];
  const currency = property.custom?.currency;
  return (
    <Box mb="xl" data-testid="order-items">
      <Label>Items</Label>
      <Table>
        <TableHead>
          <TableRow>
            <TableCell>Product</TableCell>
            <TableCell style={amount}>Unit price</TableCell>
            <TableCell style={amount}>Quantity</TableCell>
            <TableCell style={amount}>Line total</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((item) => (
            <TableRow key={item.product_id}>
              <TableCell>
                <a href={`/admin/resources/products/records/${item.product_id}/show`}>{item.product_name}</a>
              </TableCell>
              <TableCell style={amount}>
                <span data-testid="money">{formatMoney(item.price, currency)}</span>
              </TableCell>
              <TableCell style={amount}>{item.quantity}</TableCell>
              <TableCell style={amount}>
                <span data-testid="money">{formatMoney(item.subtotal, currency)}</span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

export default OrderItems;
