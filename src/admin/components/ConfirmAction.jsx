// A confirm page for a state-changing record action (ship, cancel, hide, ...):
// the change happens only on the POST this button sends, never on a GET.
import React, { useState } from 'react';
import { Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();

const ConfirmAction = ({ record, resource, action }) => {
  const addNotice = useNotice();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const response = await api.recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: action.name,
        data: { confirmed: 'yes' },
      });
      if (response.data.notice) addNotice(response.data.notice);
      if (response.data.redirectUrl) window.location.assign(response.data.redirectUrl);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box variant="card" p="xl">
      <H3>{`${action.label}: ${record.title}`}</H3>
      <Text mb="lg">{action.guard || 'Are you sure?'}</Text>
      <Button variant="contained" onClick={submit} disabled={busy} data-testid="confirm-action">
        {action.label}
      </Button>
    </Box>
  );
};

export default ConfirmAction;
