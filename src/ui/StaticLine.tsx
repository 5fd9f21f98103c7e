import { Curve, type CurveProps, type LineDrawShapeProps } from 'recharts';

/** What recharts passes a Line's shape besides the curve itself: the path ref and the animation state. */
const NOT_FOR_THE_CURVE = ['pathRef', 'animationElapsedTime', 'isAnimating', 'isEntrance', 'visibleLength'] as const;

/**
 * A Line's shape for curves drawn without animation: recharts' path without its ref. Recharts reads the path's
 * getTotalLength() at every render of every Line, for an entrance animation these charts never play; on a live
 * chart that forced a layout at each update (about as costly as all of recharts' own rendering of the line).
 * Without the ref, the length reads as 0 and nothing is measured. Passed as `shape={StaticLineShape}`.
 */
export function StaticLineShape(props: LineDrawShapeProps) {
  const curve: Record<string, unknown> = { ...props };
  for (const key of NOT_FOR_THE_CURVE) delete curve[key];
  return <Curve {...(curve as CurveProps)} />;
}
