import { useEffect, useRef, type ReactElement, type ReactNode } from 'react'

// A modal on the native <dialog>: focus handling, Esc and the backdrop come free.
export function Dialog(props: {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
}): ReactElement {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) props.onClose()
      }}
    >
      <div className="dialog-body">
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </dialog>
  )
}
