/**
 * The notices after deleting products: a product that is on orders is
 * archived rather than deleted (catalog-admin-service.ts), and staff are told
 * which of the two happened instead of AdminJS's "Successfully deleted".
 */
import type { ActionContext, ActionRequest, ActionResponse, After } from 'adminjs';
import { type Removals, removalsOf } from '../audited-resource.js';
import { counted } from './shared.js';

/** What staff read after one product's delete archived it. */
export const ARCHIVED_NOTICE = 'Archived: this product is on orders, so it was hidden from the shop';

/** What staff read after a bulk delete of products: how many were archived and how many deleted. */
export function bulkRemovalNotice({ archived, deleted }: Removals): string {
  if (archived === 0) return `${counted(deleted, 'product')} deleted.`;
  const hidden = `${counted(archived, 'product')} archived: on orders, so hidden from the shop`;
  return deleted === 0 ? `${hidden}.` : `${hidden}; ${deleted} deleted.`;
}

/** Rewrites a successful delete's notice from what the delete did (kept in the request's context). */
const noticeFrom =
  (words: (removals: Removals) => string | undefined): After<ActionResponse> =>
  (response: ActionResponse, request: ActionRequest, context: ActionContext) => {
    const removals = removalsOf(context);
    if (request.method !== 'post' || !removals || response.notice?.type !== 'success') return response;
    const message = words(removals);
    return message ? { ...response, notice: { message, type: 'success' } } : response;
  };

/** The products `delete` action's after hook: the archive notice when the product was kept. */
export const archiveNoticeAfterDelete = noticeFrom((removals) => (removals.archived > 0 ? ARCHIVED_NOTICE : undefined));

/** The products `bulkDelete` action's after hook: counts of archived and deleted products. */
export const archiveNoticeAfterBulkDelete = noticeFrom(bulkRemovalNotice);
