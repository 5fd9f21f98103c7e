/**
 * An axis tick label as one plain SVG text. Recharts' own tick label is its <Text>, which measures every word in
 * the DOM (getBoundingClientRect, a forced layout) on each render to wrap labels to the axis width; on the live
 * charts, whose tick values change as steps go by, that missed its cache at every render and was the largest
 * single cost of a chart update while training. Short numeric labels never wrap.
 */
interface PlainTickProps {
  x?: number;
  y?: number;
  textAnchor?: 'start' | 'middle' | 'end' | 'inherit';
  /** 'start' under an X axis, 'middle' beside a Y axis (recharts' <Text> turns these into the same dy). */
  verticalAnchor?: 'start' | 'middle' | 'end';
  fill?: string;
  className?: string;
  payload?: { value: unknown };
}

const DY = { start: '0.71em', middle: '0.355em', end: '0' } as const;

/** Passed as `tick={<PlainTick />}`: recharts clones the element with each tick's position and value. */
export function PlainTick({ x, y, textAnchor, verticalAnchor = 'middle', fill, className, payload }: PlainTickProps) {
  return (
    <text x={x} y={y} dy={DY[verticalAnchor]} textAnchor={textAnchor} fill={fill} className={className}>
      {String(payload?.value ?? '')}
    </text>
  );
}
