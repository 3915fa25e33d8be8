import { numberParts } from './inspectorMath';

/** A number in the inspector's format, with the power of ten as a real superscript. */
export function Num({ v }: { v: number }) {
  const { mantissa, exponent } = numberParts(v);
  const m = mantissa.replace('-', '−');
  return (
    <span title={String(v)}>
      {m}
      {exponent !== null && (
        <>
          ×10<sup>{String(exponent).replace('-', '−')}</sup>
        </>
      )}
    </span>
  );
}
