// Keeps Tab and Shift+Tab inside a modal dialog (WAI-ARIA dialog pattern), for every dialog of the dashboard.
export function trapFocus(dialog: HTMLElement | undefined, e: KeyboardEvent) {
  const focusable = [...(dialog?.querySelectorAll<HTMLElement>('button, input, select, [tabindex]') ?? [])].filter(el => !el.hasAttribute('disabled'))
  if (!focusable.length) return
  const first = focusable[0], last = focusable[focusable.length - 1]
  if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault() }
  else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault() }
}
