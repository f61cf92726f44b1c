import { mount } from 'svelte';
import '../lib/ui/theme.css';
import Lab from './Lab.svelte';

const target = document.getElementById('lab');
if (!target) throw new Error('missing #lab');

export default mount(Lab, { target });
