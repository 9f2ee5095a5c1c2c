/**
 * Preact + htm: components as plain functions and tagged templates, no JSX build step and about 5 KB
 * gzipped together. See docs/console.md for why this stack.
 */
import htm from 'htm';
import { h } from 'preact';

export const html = htm.bind(h);
