import type { ReactNode } from 'react';
import type { ProjectorCell } from './projectorLayout';

/**
 * A view's place in the grid. In the lab the cell is `display: contents` (the view itself is the grid item, as
 * before); in projector mode it is the grid item, placed by projectorGrid, and the view fills it.
 */
export function ViewCell({ place, children }: { place: ProjectorCell | undefined; children: ReactNode }) {
  return (
    <div className="view-cell" data-view={place?.view} style={place ? { gridRow: place.row, gridColumn: `${place.column} / span ${place.span}` } : undefined}>
      {children}
    </div>
  );
}
