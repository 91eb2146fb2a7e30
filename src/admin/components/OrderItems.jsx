// Shows an order's lines (snapshotted name, unit price, quantity, subtotal) on
// the order's page. The lines come in the record's params (see resources/orders.ts).
import React from 'react';
import { Box, Label, Table, TableBody, TableCell, TableHead, TableRow } from '@adminjs/design-system';
import { flat } from 'adminjs';

const OrderItems = ({ record }) => {
  const items = flat.unflatten(record.params).items || [];
  return (
    <Box mb="xl" data-testid="order-items">
      <Label>Items</Label>
      <Table>
        <TableHead>
          <TableRow>
            <TableCell>Product</TableCell>
            <TableCell>Unit price</TableCell>
            <TableCell>Qty</TableCell>
            <TableCell>Subtotal</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((item) => (
            <TableRow key={item.product_id}>
              <TableCell>{`${item.product_name} (#${item.product_id})`}</TableCell>
              <TableCell>{item.price}</TableCell>
              <TableCell>{item.quantity}</TableCell>
              <TableCell>{item.subtotal}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

export default OrderItems;
