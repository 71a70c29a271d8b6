"""How Vietnamese text becomes terms: normalization (text), pyvi segmentation with offsets
(segment), abbreviations, and the one analysis that indexing and searching share
(analysis.analyse). Uses no other layer."""
