import { useEffect, useId, useRef, type ReactElement, type ReactNode } from 'react'

// A modal on the native <dialog>: Esc, the backdrop and keeping focus inside come free.
// React removes the element without close(), so the browser never hands focus back:
// on unmount the dialog returns it to the control that opened it, unless the dialog's
// outcome moved it somewhere on purpose (a new room's composer).
export function Dialog(props: {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  /** Where focus goes when the dialog goes, if not back to its opener (null: the opener). */
  focusAfter?: () => HTMLElement | null
}): ReactElement {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const focusAfter = useRef(props.focusAfter)
  focusAfter.current = props.focusAfter
  useEffect(() => {
    const dialog = ref.current
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (dialog && !dialog.open) dialog.showModal()
    return () => {
      const now = document.activeElement
      const claimed = now && now !== document.body && !dialog?.contains(now)
      if (claimed) return
      const target = focusAfter.current?.() ?? opener
      if (target?.isConnected) target.focus()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid={props.testId}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) props.onClose()
      }}
    >
      <div className="dialog-body">
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
      </div>
    </dialog>
  )
}
