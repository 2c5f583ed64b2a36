// Stripe Elements, only when a publishable key is configured (real Stripe, or Stripe's own test mode).
// Loaded on demand from Stripe, as PCI SAQ-A requires: card data goes from the browser to Stripe only.
// Offline (the local stub) the purchase modal shows the test-card picker instead.

export interface CardHandle {
  createPaymentMethod(): Promise<string>
  handleNextAction(clientSecret: string): Promise<boolean>
}

interface StripeJs {
  elements(): { create(type: 'card', options?: object): { mount(el: HTMLElement): void } }
  createPaymentMethod(o: object): Promise<{ paymentMethod?: { id: string }; error?: { message: string } }>
  handleNextAction(o: object): Promise<{ error?: { message: string } }>
}

let loading: Promise<StripeJs> | null = null

function loadStripe(key: string): Promise<StripeJs> {
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement('script')
    s.src = 'https://js.stripe.com/v3/'
    s.onload = () => resolve((window as unknown as { Stripe(k: string, o: object): StripeJs }).Stripe(key, { locale: 'ja' }))
    s.onerror = () => { loading = null; reject(new Error('Stripe.js を読み込めませんでした')) }
    document.head.appendChild(s)
  })
  return loading
}

export async function mountCard(key: string, el: HTMLElement): Promise<CardHandle> {
  const stripe = await loadStripe(key)
  const card = stripe.elements().create('card', { hidePostalCode: true, style: { base: { fontSize: '16px' } } })
  card.mount(el)
  return {
    async createPaymentMethod() {
      const r = await stripe.createPaymentMethod({ type: 'card', card })
      if (r.error || !r.paymentMethod) throw new Error(r.error?.message ?? 'カード情報を確認してください')
      return r.paymentMethod.id
    },
    async handleNextAction(clientSecret: string) {
      return !(await stripe.handleNextAction({ clientSecret })).error
    },
  }
}

/**
 * 3-D Secure for a PaymentIntent confirmed on the server (an auto-purchase the admin confirms at
 * /purchases/<id>/confirm): Stripe.js shows the bank's challenge; true when it was passed.
 */
export async function handleNextAction(key: string, clientSecret: string): Promise<boolean> {
  const stripe = await loadStripe(key)
  return !(await stripe.handleNextAction({ clientSecret })).error
}
