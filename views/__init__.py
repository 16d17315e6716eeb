"""The pages, one file each (app.py lists them for st.navigation): functions first, then
one short render() that the file calls at the bottom. A file named after a page with a
suffix (evaluate_cv.py) holds a section of that page, imported by it."""
