/**
 * A control's one-sentence description: the text is the control's accessible description (the control points at
 * it with aria-describedby) and shows beside it while the pointer is over it or it has focus (keyboard, or a tap on
 * a touch screen). For a disabled control the text says why it is disabled.
 */
import type { ReactNode } from 'react';

/** The id a control puts in its aria-describedby for the tip of that name. */
export const tipId = (name: string) => `tip-${name}`;

export function Tip({ name, children }: { name: string; children: ReactNode }) {
  return (
    <span id={tipId(name)} role="tooltip" className="tip">
      {children}
    </span>
  );
}
