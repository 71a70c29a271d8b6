"""Raw articles into Articles: reading sources into Records (sources), decoding and parsing
them (parse: title, byline, captions, body), dates and places. Uses language/."""
