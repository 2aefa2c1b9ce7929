"""The article texts the hand-written fixtures in tests/fixtures/imports/ annotate."""

# Emoji before the passages (a flag is two astral code points, 💶 one) and CRLF line ends: code
# points and UTF-16 code units disagree after the first emoji.
TEXT_A = (
    "Le candidat 🇫🇷 promet la fibre partout en 2025.\r\n"
    "Le coût 💶 est estimé à 3 milliards.\r\n"
    "La souveraineté numérique reste floue."
)
URL_A = "https://example.org/2022/fibre-partout"
# A text only the doccano and Label Studio files bring.
TEXT_NEW = "Un deuxième programme 🎉 promet des trains de nuit."
