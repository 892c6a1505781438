// The transcript's print button: shown only when JavaScript can open the print dialog
// (without JavaScript the page says to use the browser's own print function).
const button = document.getElementById('print-button');
if (button) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
