import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  build: {
    // The Maven build writes straight into target/classes/META-INF/resources (served by Quarkus)
    outDir: process.env.DASHBOARD_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    // One small entry chunk; Chart.js is imported piecewise (tree-shaken) and Stripe.js only loads with a key
    chunkSizeWarningLimit: 300,
    reportCompressedSize: true,
  },
})
