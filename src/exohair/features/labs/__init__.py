"""Blood counts and clotting (ANC, platelets, haemoglobin, INR): recorded, read and corrected per patient."""
