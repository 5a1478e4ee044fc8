import { createApp, h } from 'vue';
createApp({ render: () => h('p', 'Handshake Lab') }).mount('#app');
