/** Hide and show again for reviews, through setReviewVisibility (the service the API's reads follow). */
import type { Action, ActionResponse, RecordActionResponse } from 'adminjs';
import { setReviewVisibility } from '../../services/review-service.js';
import { component } from '../components.js';
import { adminIdOf, recordAction } from './shared.js';

/** Hide and show for the reviews resource (the product's rating follows). */
export const reviewActions = () => {
  const visibility = (visible: boolean): Partial<Action<ActionResponse>> => {
    const options: Partial<Action<RecordActionResponse>> = {
      actionType: 'record',
      component: component('ConfirmAction'),
      guard: visible ? 'Show this review on the product page again?' : 'Hide this review from the product page?',
      icon: visible ? 'Eye' : 'EyeOff',
      isVisible: ({ record }) => Boolean(record) && record!.params.visible !== visible,
      handler: recordAction(async (reviewId, context) => {
        const changed = await setReviewVisibility(reviewId, visible, adminIdOf(context));
        return changed ? `Review #${reviewId} is ${visible ? 'shown' : 'hidden'}.` : 'Nothing to change.';
      }),
    };
    return options as Partial<Action<ActionResponse>>;
  };
  // "show" is AdminJS's own action (the record page), so showing a hidden review again is "unhide".
  return { hide: visibility(false), unhide: visibility(true) };
};
