/**
 * The compare swipe's split over the map: a line with a handle to drag (or to move with the arrow
 * keys); the left side of the map shows one variant, the right side the other.
 */
import { useRef } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';

export interface SwipeLineProps {
  /** Where the split is, 0 (left edge) to 1 (right edge). */
  readonly position: number;
  readonly onMove: (position: number) => void;
}

export function SwipeLine({ position, onMove }: SwipeLineProps) {
  const translator = useTranslator();
  const area = useRef<HTMLDivElement>(null);
  const moveTo = (clientX: number) => {
    const box = area.current?.getBoundingClientRect();
    if (box && box.width > 0) onMove(Math.min(1, Math.max(0, (clientX - box.left) / box.width)));
  };
  return (
    <div className="swipe-area" ref={area} data-testid="swipe-line">
      <div className="swipe-line" style={{ left: `${position * 100}%` }}>
        <button
          type="button"
          className="swipe-handle"
          role="slider"
          aria-label={translator.t('planning.splitHandle')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(position * 100)}
          onPointerDown={(event) => event.currentTarget.setPointerCapture(event.pointerId)}
          onPointerMove={(event) => {
            if (event.currentTarget.hasPointerCapture(event.pointerId)) moveTo(event.clientX);
          }}
          onKeyDown={(event) => {
            const step = event.shiftKey ? 0.1 : 0.02;
            if (event.key === 'ArrowLeft') onMove(Math.max(0, position - step));
            else if (event.key === 'ArrowRight') onMove(Math.min(1, position + step));
            else return;
            event.preventDefault();
          }}
        >
          ⇔
        </button>
      </div>
    </div>
  );
}
