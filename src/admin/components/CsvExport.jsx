// The "Export CSV" drawer of a list page: it keeps the page's filters and
// sort (AdminJS carries the list's query into a drawer action's URL) and
// links to the action's API URL with them, which answers the file itself
// (see src/admin/csv-export.ts).
import React from 'react';
import { Box, Button, H3, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

/** The query that shapes the list (filters and sort); paging and AdminJS's own markers are dropped. */
const listQuery = (search) => {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const [name, value] of params) {
    if (name.startsWith('filters.') || name === 'sortBy' || name === 'direction') kept.append(name, value);
  }
  return kept;
};

const CsvExport = ({ resource, action }) => {
  const { translateAction, translateProperty } = useTranslation();
  const query = listQuery(window.location.search);
  const filters = [...query.entries()]
    .filter(([name]) => name.startsWith('filters.'))
    .map(([name, value]) => {
      // A range filter is two fields: filters.created_at~~from and filters.created_at~~to.
      const [path, end] = name.slice('filters.'.length).split('~~');
      return `${translateProperty(path, resource.id)}${end ? ` ${end}` : ''}: ${value}`;
    });
  const href = `/admin/api/resources/${resource.id}/actions/${action.name}?${query.toString()}`;
  const title = translateAction(action.label, resource.id);
  return (
    <Box p="xl" data-testid="csv-export">
      <H3>{title}</H3>
      <Text mb="lg">
        {filters.length
          ? `The file will hold the rows of this list that match ${filters.join(', ')}, in the order shown.`
          : 'The file will hold every row of this list, in the order shown.'}
      </Text>
      <Button as="a" variant="contained" href={href} download data-testid="csv-download" mr="default">
        Download the file
      </Button>
      <Button variant="outlined" onClick={() => window.history.back()}>
        Back to the list
      </Button>
    </Box>
  );
};

export default CsvExport;
