"""The tham luận campaign: lost sub-criteria assigned to agencies, contributions collected by a
deadline, reviewed by the Sở Nội vụ."""
