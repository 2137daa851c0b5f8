"""gdprkb in the browser: `gdprkb serve`, or `streamlit run app.py [-- --home DIR]`."""

from webapp.main import run

run()
