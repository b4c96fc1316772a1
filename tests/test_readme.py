"""The README's settings table is the settings model: every setting documented, nothing documented that is gone."""

import re

from qa.config import PROJECT_ROOT, Settings


def test_every_setting_is_in_the_readme_table_and_only_those():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") : readme.index("## Command line")]
    documented = set(re.findall(r"`QA_([A-Z_]+?)(?:__…)?`", table))
    assert documented == {name.upper() for name in Settings.model_fields}
