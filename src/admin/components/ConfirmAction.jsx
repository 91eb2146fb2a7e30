// A confirm page for a state-changing action on one record (ship, cancel,
// hide, ...) or on the selected records (ship selected, hide selected): it
// says in words what will happen, and the change happens only on the POST
// its button sends, never on a GET.
import React, { useState } from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import { ApiClient, useActionResponseHandler, useTranslation } from 'adminjs';

const api = new ApiClient();

const ConfirmAction = ({ record, records, resource, action }) => {
  // Shows the notice and moves to the redirect inside the app (a full reload would lose the notice).
  const handleResponse = useActionResponseHandler();
  const { translateAction } = useTranslation();
  const [busy, setBusy] = useState(false);
  const label = translateAction(action.label, resource.id);
  const selected = records ?? [];
  const submit = async () => {
    setBusy(true);
    try {
      const call = record
        ? api.recordAction({
            resourceId: resource.id,
            recordId: record.id,
            actionName: action.name,
            data: { confirmed: 'yes' },
          })
        : api.bulkAction({
            resourceId: resource.id,
            recordIds: selected.map((item) => item.id),
            actionName: action.name,
            data: { confirmed: 'yes' },
          });
      handleResponse(await call);
    } finally {
      setBusy(false);
    }
  };
  // The record action's GET puts its sentence in params.confirmation (CONFIRMATION_PARAM, actions/shared.ts).
  const sentence = record?.params?.confirmation || action.guard || 'Are you sure?';
  return (
    <Box variant="card" p="xl" data-testid="confirm-page">
      <Text mb="lg" data-testid="confirm-text">
        {sentence}
      </Text>
      {record ? null : (
        <Text mb="lg" data-testid="confirm-selection">
          {`Selected: ${selected.map((item) => `#${item.id}`).join(', ')}`}
        </Text>
      )}
      <Button variant="contained" onClick={submit} disabled={busy} data-testid="confirm-action">
        {label}
      </Button>
    </Box>
  );
};

export default ConfirmAction;
