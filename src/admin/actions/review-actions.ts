/**
 * Hide and show again for reviews, one or several selected at once, through
 * setReviewVisibility (the service the API's reads follow: the product's
 * rating is recomputed and each change audited).
 */
import type { Action, ActionResponse, BulkActionResponse, RecordActionResponse } from 'adminjs';
import { setReviewVisibility } from '../../services/review-service.js';
import { component } from '../components.js';
import { adminIdOf, bulkAction, bulkNotice, recordAction } from './shared.js';

/** What the confirm page says hiding or showing will do. */
const willDo = (visible: boolean, reviewId: number): string =>
  visible
    ? `Review #${reviewId} will be shown on the product page again, and the product's rating will count it.`
    : `Review #${reviewId} will be hidden from the product page, and the product's rating will no longer count it.`;

/** Hide, show again and hide selected for the reviews resource (the product's rating follows). */
export const reviewActions = () => {
  const visibility = (visible: boolean): Partial<Action<ActionResponse>> => {
    const options: Partial<Action<RecordActionResponse>> = {
      actionType: 'record',
      component: component('ConfirmAction'),
      icon: visible ? 'Eye' : 'EyeOff',
      isVisible: ({ record }) => Boolean(record) && record!.params.visible !== visible,
      handler: recordAction(
        async (reviewId, context) => {
          const changed = await setReviewVisibility(reviewId, visible, adminIdOf(context));
          return changed ? `Review #${reviewId} is ${visible ? 'shown' : 'hidden'}.` : 'Nothing to change.';
        },
        (reviewId) => Promise.resolve(willDo(visible, reviewId)),
      ),
    };
    return options as Partial<Action<ActionResponse>>;
  };
  const hideSelected: Partial<Action<BulkActionResponse>> = {
    actionType: 'bulk',
    component: component('ConfirmAction'),
    icon: 'EyeOff',
    guard:
      "Each selected review will be hidden from its product page, and the product's rating will no longer count it.",
    handler: bulkAction(
      (record, context) => setReviewVisibility(Number(record.id()), false, adminIdOf(context)),
      (hidden, left) => bulkNotice(hidden, left, 'Hid', 'review', 'already hidden'),
    ),
  };
  // "show" is AdminJS's own action (the record page), so showing a hidden review again is "unhide".
  return {
    hide: visibility(false),
    unhide: visibility(true),
    hideSelected: hideSelected as Partial<Action<ActionResponse>>,
  };
};
