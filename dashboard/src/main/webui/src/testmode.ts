// Stripe's test mode on this machine: what Stripe.js and the customer's bank would do, done by the local
// Stripe stub's test-mode actions (reached under /stripe-test/ through ./dev/up's proxy only).
import { api } from './api'

export const TEST_CARDS = [
  { id: 'pm_card_visa', label: 'Visa 4242（成功）' },
  { id: 'pm_card_authenticationRequired', label: 'Visa 3184（3Dセキュア認証あり）' },
  { id: 'pm_card_chargeDeclined', label: 'Visa 0002（拒否される）' },
] as const

export const completeAuthentication = (paymentIntentId: string, pass: boolean) =>
  api(`/stripe-test/v1/payment_intents/${encodeURIComponent(paymentIntentId)}/${pass ? 'authenticate' : 'fail'}`, { method: 'POST' })

export const completeSetupAuthentication = (setupIntentId: string) =>
  api(`/stripe-test/v1/setup_intents/${encodeURIComponent(setupIntentId)}/authenticate`, { method: 'POST' })

export const payInvoice = (invoiceId: string) =>
  api(`/stripe-test/v1/invoices/${encodeURIComponent(invoiceId)}/pay`, { method: 'POST' })
