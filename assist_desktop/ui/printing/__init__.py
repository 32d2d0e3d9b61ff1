"""打印: choose a document, preview it (QtPdf), print it or save it as PDF; verify a voucher's QR code."""
