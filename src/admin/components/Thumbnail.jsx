// A product's picture (its image_url) at a fixed small size: in a list row
// it must not change the row's height, on the product page it is a preview.
// Loaded lazily (a list of 100 rows asks only for those on screen); without
// an image, or when the image cannot be loaded, a grey placeholder of the
// same size keeps the column even.
import React, { useState } from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

const SIZES = { list: 40, show: 160 };

/** The picture, or its placeholder, at `size` pixels square. */
const Picture = ({ url, name, size }) => {
  const [failed, setFailed] = useState(false);
  const box = {
    width: `${size}px`,
    height: `${size}px`,
    borderRadius: '4px',
    flexShrink: 0,
    display: 'block',
  };
  if (!url || failed) {
    return (
      <span
        data-testid="thumbnail"
        data-empty="true"
        role="img"
        aria-label={url ? `${name}: image unavailable` : `${name}: no image`}
        title={url ? 'Image unavailable' : 'No image'}
        style={{ ...box, background: '#E5E7EB', color: '#9CA3AF', textAlign: 'center', lineHeight: `${size}px` }}
      >
        {size >= 100 ? 'No image' : ''}
      </span>
    );
  }
  return (
    <img
      data-testid="thumbnail"
      src={url}
      alt={name}
      loading="lazy"
      decoding="async"
      width={size}
      height={size}
      onError={() => setFailed(true)}
      style={{ ...box, objectFit: 'cover', background: '#F3F4F6' }}
    />
  );
};

const Thumbnail = ({ record, property, where }) => {
  const { translateProperty } = useTranslation();
  const url = record?.params?.[property.path];
  const name = record?.params?.name ?? record?.title ?? '';
  const picture = <Picture url={url} name={name} size={SIZES[where] ?? SIZES.list} />;
  if (where !== 'show') return picture;
  return <ValueGroup label={translateProperty(property.label, property.resourceId)}>{picture}</ValueGroup>;
};

export default Thumbnail;
