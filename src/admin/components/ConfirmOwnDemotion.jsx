// The "remove my own admin access" checkbox on a user's edit form: shown only
// on the signed-in admin's own account, where a save that takes away their
// admin role or deactivates them is refused without it (actions/own-demotion.ts).
import React from 'react';
import { CheckBox, FormGroup, FormMessage, Label } from '@adminjs/design-system';
import { useCurrentAdmin } from 'adminjs';

const ConfirmOwnDemotion = ({ property, record, onChange }) => {
  const [currentAdmin] = useCurrentAdmin();
  if (!record?.id || String(currentAdmin?.id) !== String(record.id)) return null;
  const checked = record.params?.[property.path] === true || record.params?.[property.path] === 'true';
  const error = record.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)} data-testid="confirm-own-demotion">
      <CheckBox
        id={property.path}
        name={property.path}
        checked={checked}
        onChange={() => onChange(property.path, !checked)}
      />
      <Label inline htmlFor={property.path} ml="default">
        {property.custom?.label}
      </Label>
      <FormMessage>{error?.message}</FormMessage>
    </FormGroup>
  );
};

export default ConfirmOwnDemotion;
