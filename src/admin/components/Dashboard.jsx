// The staff dashboard: orders and revenue per day (last 30 days), today's
// numbers, low-stock products (with a link to all of them) and the latest
// admin activity in words. Plain SVG, no chart library. Data comes from the
// dashboard handler (src/services/dashboard-service.ts).
import React, { useEffect, useState } from 'react';
import {
  Box,
  H2,
  H5,
  Link,
  Loader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import { formatMoney } from './Money.jsx';

const api = new ApiClient();

const Card = ({ label, value, testId }) => (
  <Box variant="card" flex={1} mr="lg" p="lg" data-testid={testId}>
    <Text color="grey60">{label}</Text>
    <H2 mb={0}>{value}</H2>
  </Box>
);

// An activity sentence with its target's name linked to the target's page (when it still exists).
const Activity = ({ entry }) => {
  const at = entry.target_href ? entry.line.indexOf(entry.target_label) : -1;
  if (at < 0) return entry.line;
  return (
    <>
      {entry.line.slice(0, at)}
      <a href={entry.target_href}>{entry.target_label}</a>
      {entry.line.slice(at + entry.target_label.length)}
    </>
  );
};

const Chart = ({ days, currency }) => {
  const width = 900;
  const height = 220;
  const pad = 30;
  const maxRevenue = Math.max(1, ...days.map((d) => Number(d.revenue)));
  const maxOrders = Math.max(1, ...days.map((d) => d.orders));
  const step = (width - 2 * pad) / days.length;
  const y = (value, max) => height - pad - (value / max) * (height - 2 * pad);
  const line = days.map((d, i) => `${pad + step * i + step / 2},${y(d.orders, maxOrders)}`).join(' ');
  return (
    <svg
      data-testid="orders-revenue-chart"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label="Revenue (bars) and orders (line) per day, last 30 days"
    >
      {days.map((d, i) => (
        <rect
          key={d.day}
          x={pad + step * i + 2}
          y={y(Number(d.revenue), maxRevenue)}
          width={step - 4}
          height={height - pad - y(Number(d.revenue), maxRevenue)}
          fill="#4268F6"
        >
          <title>{`${d.day}: ${formatMoney(d.revenue, currency)} revenue, ${d.orders} orders`}</title>
        </rect>
      ))}
      <polyline points={line} fill="none" stroke="#F0616F" strokeWidth="2" />
      <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} stroke="#C0C0CA" />
      <text x={pad} y={height - 8} fontSize="11" fill="#898A9A">
        {days[0]?.day}
      </text>
      <text x={width - pad} y={height - 8} fontSize="11" fill="#898A9A" textAnchor="end">
        {days[days.length - 1]?.day}
      </text>
      <text x={pad} y={14} fontSize="11" fill="#898A9A">
        max revenue {formatMoney(maxRevenue, currency)} · max orders {maxOrders}
      </text>
    </svg>
  );
};

const Dashboard = () => {
  const [data, setData] = useState(null);
  useEffect(() => {
    api.getDashboard().then((response) => setData(response.data));
  }, []);
  if (!data) return <Loader />;
  return (
    <Box variant="grey" data-testid="emporium-dashboard">
      <Box flex mb="xl">
        <Card label="Orders today" value={data.today.orders} testId="today-orders" />
        <Card label="Revenue today" value={formatMoney(data.today.revenue, data.currency)} testId="today-revenue" />
        <Card label="Paid, awaiting shipment" value={data.today.awaiting_shipment} testId="awaiting-shipment" />
        <Card label="New customers today" value={data.today.new_customers} testId="new-customers" />
      </Box>
      <Box variant="card" p="xl" mb="xl">
        <H5>Orders (line) and revenue (bars) per day, last 30 days</H5>
        <Chart days={data.days} currency={data.currency} />
      </Box>
      <Box flex>
        <Box variant="card" p="xl" mr="lg" flex={1}>
          <H5>Low stock</H5>
          <Text mb="default" data-testid="low-stock-count">
            {`${data.low_stock.length} of ${data.low_stock_total} shown · `}
            <Link href={data.low_stock_href} data-testid="low-stock-all">
              See all low-stock products
            </Link>
          </Text>
          <Table data-testid="low-stock">
            <TableHead>
              <TableRow>
                <TableCell>Product</TableCell>
                <TableCell>Stock</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.low_stock.map((p) => (
                <TableRow key={p.id}>
                  <TableCell>
                    <a href={`/admin/resources/products/records/${p.id}/show`}>{p.name}</a>
                  </TableCell>
                  <TableCell>{p.stock}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
        <Box variant="card" p="xl" flex={2}>
          <H5>Latest admin activity</H5>
          <Table data-testid="recent-activity">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>What</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.recent_activity.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>{new Date(a.created_at).toLocaleString()}</TableCell>
                  <TableCell>{a.admin}</TableCell>
                  <TableCell>
                    <Activity entry={a} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      </Box>
    </Box>
  );
};

export default Dashboard;
