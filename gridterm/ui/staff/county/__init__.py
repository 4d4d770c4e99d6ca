"""The county console's rules, without Textual: the period the figures cover, the figures'
table, the items the county must see, the trend charts' data.  The screens are in
``gridterm/ui/staff/screens/county*.py``."""
