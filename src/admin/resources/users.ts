/** Accounts in the panel: shoppers and staff; a typed password is stored only as its hash. */
import { USER_ROLES, User } from '../../models/index.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { CUSTOMERS, type PanelResource, editTheRecordInTheUrl, hidden } from './shared.js';

export const users: PanelResource = {
  id: 'users',
  resource: () => ({
    resource: new AuditedResource(User),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['id', 'username', 'email', 'role', 'is_active', 'created_at'],
      filterProperties: ['username', 'email', 'role', 'is_active', 'created_at'],
      editProperties: ['username', 'email', 'phone', 'role', 'is_active', 'new_password'],
      properties: {
        password_hash: hidden,
        new_password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true } },
        role: { availableValues: USER_ROLES.map((value) => ({ value, label: value })) },
      },
      sort: { sortBy: 'id', direction: 'desc' },
      actions: { edit: editTheRecordInTheUrl, bulkDelete: bulkDeleteAll },
    },
  }),
};
