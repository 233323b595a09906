import QRCode from 'qrcode';

/**
 * A QR code drawn with half blocks (two modules a character row, so modules stay square). Colours
 * inverted: the light modules and the quiet zone are the terminal's (light) text, the dark ones its
 * (dark) background, so a phone reads it off a console that is light on dark.
 */
export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'utf8',
    errorCorrectionLevel: 'L',
    margin: 2,
    color: { dark: '#ffffff', light: '#000000' },
  });
}
