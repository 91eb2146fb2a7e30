// A review's text: one truncated line in the list (the whole text on hover),
// the whole text, line breaks kept, on the review's page.
import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

const ReviewText = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const text = record?.params?.[property.path] ?? '';
  if (where === 'show') {
    return (
      <ValueGroup label={translateProperty(property.label, property.resourceId)}>
        <span style={{ whiteSpace: 'pre-wrap' }} data-testid="review-text">
          {text || '(no text)'}
        </span>
      </ValueGroup>
    );
  }
  return (
    <span
      title={text}
      data-testid="review-text"
      style={{
        display: 'inline-block',
        maxWidth: '220px',
        overflow: 'hidden',
        textOverflow: 'ellipsis',
        whiteSpace: 'nowrap',
        verticalAlign: 'bottom',
      }}
    >
      {text}
    </span>
  );
};

export default ReviewText;
