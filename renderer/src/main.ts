// Renderer entry: Pinia, vue-i18n, the transport (Electron preload or WebSocket), then the app.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createI18nFor } from './i18n';
import { connectDefault } from './api';
import { startSync } from './stores/sync';
import { watchStudy } from './stores/study';
import { useSettingsStore } from './stores/settings';
import './styles/theme.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const settings = useSettingsStore(pinia);
app.use(createI18nFor(settings.locale));
connectDefault();
startSync();
watchStudy();
app.mount('#app');
