import type { ReactNode } from 'react';

/**
 * A wide table's own sideways-scrolling box, so the page never scrolls sideways on a phone. It can take
 * focus (keyboard users scroll it with the arrow keys) and is named after what it holds.
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
