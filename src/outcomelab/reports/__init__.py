"""outcomelab.reports"""
