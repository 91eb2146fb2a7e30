/** The audit log in the panel: append-only, newest first. */
import { AdminLog } from '../../models/index.js';
import { AuditedResource } from '../audited-resource.js';
import { type PanelResource, SYSTEM, readOnly } from './shared.js';

export const adminLogs: PanelResource = {
  id: 'admin_logs',
  resource: () => ({
    resource: new AuditedResource(AdminLog),
    options: {
      navigation: SYSTEM,
      listProperties: ['id', 'created_at', 'admin_id', 'action', 'target_type', 'target_id'],
      filterProperties: ['admin_id', 'action', 'target_type', 'target_id', 'created_at'],
      sort: { sortBy: 'created_at', direction: 'desc' },
      actions: readOnly,
    },
  }),
};
