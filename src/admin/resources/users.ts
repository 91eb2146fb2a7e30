/** Accounts in the panel: shoppers and staff; a typed password is stored only as its hash. */
import { User } from '../../models/index.js';
import { editAskingBeforeOwnDemotion, ownDemotionConfirmation } from '../actions/own-demotion.js';
import { bulkDeleteAll } from '../actions/shared.js';
import { AuditedResource } from '../audited-resource.js';
import { OWN_DEMOTION_CONFIRMATION, OWN_DEMOTION_LABEL } from '../../services/staff-guard.js';
import { roleBadge } from './badges.js';
import { CUSTOMERS, type PanelResource, hidden } from './shared.js';

export const users: PanelResource = {
  id: 'users',
  translations: {
    properties: {
      id: 'ID',
      username: 'Username',
      email: 'E-mail',
      phone: 'Phone',
      role: 'Role',
      is_active: 'Active',
      created_at: 'Joined',
      updated_at: 'Last changed',
      new_password: 'New password',
      [OWN_DEMOTION_CONFIRMATION]: OWN_DEMOTION_LABEL,
    },
  },
  resource: () => ({
    resource: new AuditedResource(User),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['id', 'username', 'email', 'role', 'is_active', 'created_at'],
      filterProperties: ['username', 'email', 'phone', 'role', 'is_active', 'created_at'],
      editProperties: ['username', 'email', 'phone', 'role', 'is_active', 'confirm_own_demotion', 'new_password'],
      properties: {
        password_hash: hidden,
        new_password: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true } },
        role: roleBadge(),
        ...ownDemotionConfirmation,
      },
      sort: { sortBy: 'id', direction: 'desc' },
      actions: { edit: editAskingBeforeOwnDemotion, bulkDelete: bulkDeleteAll },
    },
  }),
};
