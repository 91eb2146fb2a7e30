// An account a record refers to (an order's customer, a review's author),
// shown by username and e-mail and linked to the account's page, instead of
// a bare user id.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

const Account = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const id = record?.params?.[property.path];
  if (id === undefined || id === null || id === '') return null;
  const account = record.populated?.[property.path]?.params;
  const name = account ? account.username : `#${id}`;
  const link = (
    <a
      href={`/admin/resources/users/records/${id}/show`}
      title={account?.email}
      data-testid="account"
      style={{ whiteSpace: 'nowrap' }}
      onClick={(event) => event.stopPropagation()}
    >
      {name}
      {account ? <span style={{ color: '#898A9A', marginLeft: '6px' }}>{account.email}</span> : null}
    </a>
  );
  if (where !== 'show') return link;
  return <ValueGroup label={translateProperty(property.label, property.resourceId)}>{link}</ValueGroup>;
};

export default Account;
