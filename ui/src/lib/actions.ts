/** `use:autofocus` — focuses the element once it is in the document (no a11y-warned `autofocus` attr). */
export function autofocus(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
