/**
 * Demoting yourself asks first: the users edit form has a checkbox, shown
 * only on the signed-in admin's own account, and a save that would take
 * away their own admin access (role no longer admin, or deactivated) is
 * refused without it. Other admins' accounts need no confirmation; the rule
 * that an active admin always remains is PostgreSQL's (staff-guard.ts).
 */
import { type ActionContext, type ActionRequest, type ActionResponse, ValidationError } from 'adminjs';
import {
  OWN_DEMOTION_CONFIRMATION,
  OWN_DEMOTION_LABEL,
  OWN_DEMOTION_REFUSED,
  type StaffStanding,
  removesOwnAdminAccess,
} from '../../services/staff-guard.js';
import { component } from '../components.js';
import { editTheRecordInTheUrl } from '../resources/shared.js';

/** A form value as a boolean (AdminJS parses declared booleans; JSON and raw form posts may not be). */
const isTrue = (value: unknown): boolean => value === true || value === 'true';

/**
 * The virtual property behind the checkbox: on edit forms only, rendered
 * only for one's own account (components/ConfirmOwnDemotion.jsx). Its value
 * is taken out of the payload before the save, so it never reaches the
 * database or the audit log.
 */
export const ownDemotionConfirmation = {
  [OWN_DEMOTION_CONFIRMATION]: {
    type: 'boolean' as const,
    isVisible: { list: false, filter: false, show: false, edit: true },
    components: { edit: component('ConfirmOwnDemotion') },
    custom: { label: OWN_DEMOTION_LABEL },
  },
};

/**
 * The users `edit` action's hooks: the record edited is the one in the URL,
 * a change that removes the editor's own admin access needs the
 * confirmation checkbox, and a save refused as a whole (the last active
 * admin) reads as refused.
 */
export const editAskingBeforeOwnDemotion = {
  before: (request: ActionRequest, context: ActionContext): ActionRequest => {
    const checked = editTheRecordInTheUrl.before(request);
    if (checked.method !== 'post' || !checked.payload) return checked;
    const { [OWN_DEMOTION_CONFIRMATION]: confirmation, ...payload } = checked.payload as Record<string, unknown>;
    checked.payload = payload;
    const record = context.record;
    if (!record) return checked;
    const before: StaffStanding = {
      role: String(record.param('role')),
      is_active: isTrue(record.param('is_active')),
    };
    const after: StaffStanding = {
      role: typeof payload.role === 'string' ? payload.role : before.role,
      is_active: payload.is_active === undefined ? before.is_active : isTrue(payload.is_active),
    };
    const actorId = Number(context.currentAdmin?.id);
    if (removesOwnAdminAccess(actorId, Number(record.id()), before, after) && !isTrue(confirmation)) {
      // The refused form comes back as it was filled in, not reset to the stored role.
      record.storeParams({ role: after.role, is_active: after.is_active });
      throw new ValidationError(
        { [OWN_DEMOTION_CONFIRMATION]: { message: OWN_DEMOTION_REFUSED, type: 'confirmation' } },
        { message: OWN_DEMOTION_REFUSED, type: 'confirmation' },
      );
    }
    return checked;
  },
  // AdminJS's edit counts a save as done unless a field has an error: a refusal with only a
  // message (no active admin would remain) would otherwise read "successfully updated".
  after: (response: ActionResponse, request: ActionRequest): ActionResponse => {
    const refusal = (response.record as { baseError?: { message?: string } } | undefined)?.baseError?.message;
    if (request.method !== 'post' || !refusal || response.notice?.type === 'error') return response;
    const { redirectUrl: _stay, ...rest } = response;
    return { ...rest, notice: { message: refusal, type: 'error' } };
  },
};
