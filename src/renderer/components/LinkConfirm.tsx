import type { ReactElement } from 'react'
import { Dialog } from './Dialog'

// Asked before opening a link whose text could mislead (links.ts): the real target is
// shown in full, isolated from the text around it, and Cancel is where focus starts.

export interface LinkQuestion {
  url: string
  why: string
}

export function LinkConfirm(props: {
  question: LinkQuestion
  onOpen: () => void
  onClose: () => void
}): ReactElement {
  return (
    <Dialog title="Open this link?" onClose={props.onClose} testId="link-confirm">
      <div className="dialog-form">
        <p>{props.question.why}</p>
        <p className="link-confirm-target mono" dir="ltr" data-testid="link-confirm-target">
          {props.question.url}
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn ghost" autoFocus onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn primary"
            data-testid="link-confirm-open"
            onClick={props.onOpen}
          >
            Open link
          </button>
        </div>
      </div>
    </Dialog>
  )
}
