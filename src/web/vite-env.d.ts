// Vite's client types: lets the page import its stylesheet.
/// <reference types="vite/client" />
